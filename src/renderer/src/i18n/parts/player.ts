import { messages } from '../define'

// The player messages (keys start with "player.").

export const playerMessages = messages({}, {})
