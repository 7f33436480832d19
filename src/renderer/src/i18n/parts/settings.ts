import { messages } from '../define'

// The settings messages (keys start with "settings.").

export const settingsMessages = messages({}, {})
