import { messages } from '../define'

// The feed messages (keys start with "feed.").

export const feedMessages = messages({}, {})
