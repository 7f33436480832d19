// The Kling video vocabulary, shared by main, preload, renderer, the emulator and the command
// line: plain TypeScript, no Node built-ins and no electron, so every side can import it. One file
// per concern; this one only gathers them.

export * from './task'
export * from './fields'
export * from './images'
export * from './endpoint'
export * from './endpoints'
export * from './models'
export * from './capabilities'
export * from './text2video'
export * from './image2video'
export * from './multi-image2video'
export * from './video-extend'
export * from './units'
