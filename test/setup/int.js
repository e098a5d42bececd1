// Integration tests talk to real databases: give them room on a 2-core machine.
import { jest } from '@jest/globals';

jest.setTimeout(60_000);
