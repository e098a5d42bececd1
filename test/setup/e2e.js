// End-to-end tests boot the platform (sometimes as a child process): give them room on a 2-core machine.
import { jest } from '@jest/globals';

jest.setTimeout(120_000);
