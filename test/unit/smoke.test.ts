import * as assert from 'node:assert/strict';
import { createNodeHost } from '../../src/core/node-host';

describe('node host', () => {
  it('returns undefined for a missing file instead of throwing', () => {
    assert.equal(createNodeHost().readFile('/definitely/not/here.js'), undefined);
  });
});
