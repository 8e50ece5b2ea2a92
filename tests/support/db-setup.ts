// Runs in each test worker before the test file: points lib/db at the project's database.
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-0000";
process.env.DATA_DIR ??= ".data/test";
