import { z } from 'zod';

/** Length is what matters; no composition rules (NIST SP 800-63B). */
export const NewPasswordSchema = z.string().min(12, 'at least 12 characters').max(1024, 'at most 1024 characters');
export const UsernameSchema = z.string().regex(/^[a-z][a-z0-9._-]{0,31}$/, 'lowercase letters, digits, dot, dash, underscore; starts with a letter');
