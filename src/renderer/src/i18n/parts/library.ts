import { messages } from '../define'

// The library messages (keys start with "library.").

export const libraryMessages = messages({}, {})
