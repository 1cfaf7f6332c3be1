// The book's own script: per-line notes of the model blueprint (see book/blueprint.md).
"use strict";
