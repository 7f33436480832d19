import { messages } from '../define'

// The create messages (keys start with "create.").

export const createMessages = messages({}, {})
