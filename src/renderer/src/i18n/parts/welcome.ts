import { messages } from '../define'

// The welcome messages (keys start with "welcome.").

export const welcomeMessages = messages({}, {})
