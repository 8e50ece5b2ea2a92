import "server-only";
import bcrypt from "bcryptjs";
import { z } from "zod";

/** bcrypt cost: ~250 ms per hash on these machines, slow enough to blunt offline guessing. */
const COST = 12;

export const PasswordSchema = z
  .string()
  .min(10, { error: "Password must be at least 10 characters." })
  .max(200, { error: "Password must be at most 200 characters." });

export function hashPassword(plain: string): Promise<string> {
  return bcrypt.hash(plain, COST);
}

export function verifyPassword(plain: string, hash: string): Promise<boolean> {
  return bcrypt.compare(plain, hash);
}

// Compared against when the email is unknown, so a miss costs as long as a hit
// and response time does not reveal which emails have accounts.
const DECOY_HASH = "$2b$12$rf63.2lvUbvYbRntsYlSp.N5hMUZ4d.2bwMvyx3gSn7h4fy1mvsru";
export async function burnPasswordCheck(plain: string): Promise<void> {
  await bcrypt.compare(plain, DECOY_HASH);
}
