import { describe, expect, it } from 'vitest'
import { base } from '../../src/renderer/src/i18n/en'
import { createMessages } from '../../src/renderer/src/i18n/parts/create'
import { feedMessages } from '../../src/renderer/src/i18n/parts/feed'
import { libraryMessages } from '../../src/renderer/src/i18n/parts/library'
import { playerMessages } from '../../src/renderer/src/i18n/parts/player'
import { settingsMessages } from '../../src/renderer/src/i18n/parts/settings'
import { spendMessages } from '../../src/renderer/src/i18n/parts/spend'
import { historyMessages } from '../../src/renderer/src/i18n/parts/history'
import { troubleMessages } from '../../src/renderer/src/i18n/parts/trouble'
import { viewErrorMessages } from '../../src/renderer/src/i18n/parts/view-error'
import { welcomeMessages } from '../../src/renderer/src/i18n/parts/welcome'

// The catalogues are merged by spreading: a key defined twice would silently lose one text.

const PARTS = {
  create: createMessages,
  feed: feedMessages,
  library: libraryMessages,
  player: playerMessages,
  settings: settingsMessages,
  spend: spendMessages,
  history: historyMessages,
  viewError: viewErrorMessages,
  trouble: troubleMessages,
  welcome: welcomeMessages,
}

describe('message catalogues', () => {
  it('no key is defined in two places', () => {
    const owner = new Map<string, string>(Object.keys(base).map((k) => [k, 'base']))
    const clashes: string[] = []
    for (const [name, part] of Object.entries(PARTS)) {
      for (const key of Object.keys(part.en)) {
        const held = owner.get(key)
        if (held) clashes.push(`${key} in ${held} and ${name}`)
        owner.set(key, name)
      }
    }
    expect(clashes).toEqual([])
  })

  it('every part says every key in both languages, and no text is empty', () => {
    for (const part of Object.values(PARTS)) {
      expect(Object.keys(part.id).sort()).toEqual(Object.keys(part.en).sort())
      for (const text of [...Object.values(part.en), ...Object.values(part.id)])
        expect((text as string).trim()).not.toBe('')
    }
  })
})
