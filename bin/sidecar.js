#!/usr/bin/env node
// The CLI lives in the built package; run `npm install` (which builds) first in a fresh clone.
import '../dist/cli/main.js';
