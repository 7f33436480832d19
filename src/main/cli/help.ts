import { DEFAULT_BASE_URL } from '../kling/client'

// What `kling-studio --help` prints: every command and flag, in one place.

export const HELP = `kling-studio: Kling video through CometAPI, from the command line

Usage:
  kling-studio generate <prompt> [--negative-prompt T] [--aspect-ratio R] [--duration 5|10]
                        [--mode std|pro] [--model NAME] [--cfg-scale 0..1] [--sound on|off]
                        [--camera PRESET | --camera simple:AXIS=VALUE] [--callback-url URL]
                        [--external-task-id ID] [--takes 1-4] [--wait] [--timeout 30m]
                        [--out FILE] [--json] [--dry-run] [--over-budget]
  kling-studio generate [<prompt>] --image FILE|URL [--image-tail FILE|URL] [options]
  kling-studio generate <prompt> --images A,B[,C,D] [options]
  kling-studio extend <job-or-task-id> [<prompt>] [--negative-prompt T] [--cfg-scale 0..1]
                        [--wait] [--timeout 30m] [--out FILE] [--json] [--over-budget]
  kling-studio status <task-id> [--kind K] [--json]
  kling-studio status --external-task-id ID [--json]
  kling-studio wait <task-id> [--kind K] [--timeout 30m] [--out FILE] [--json]
  kling-studio download <task-id> [--kind K] --out FILE [--json]
  kling-studio list [--search TEXT] [--kind K] [--limit N] [--json]
  kling-studio resume [--timeout 2h] [--json]
  kling-studio spend [--since YYYY-MM-DD|7d|4w|3m] [--by day|week|month|model] [--json]
  kling-studio budget [--daily N|off] [--monthly N|off] [--price X|off] [--currency USD] [--json]
  kling-studio emulator [--port N] [--time-scale X] [--fault-rate X] [--seed N] [--key K]
                        [--download-kbps N] [--dialect kling|comet|new-api|one-hub]

Every command but emulator also takes --data DIR (the history and settings folder) and
--library DIR. --prompt T gives the prompt as a flag (--prompt=-T for one that begins with "-").
generate --dry-run checks the request and prints what it would cost in Kling units (from a
published table, with its sources), the money at the price set, and whether a cap would stop it,
without sending anything; without --wait, generate prints the "kling-studio wait <task id>"
command that follows the task to its end. --takes N makes N takes of one Generate (as the app's
Takes: one group; a given --external-task-id X names them X-1 .. X-N), each its own task and video,
each printed in turn (with --json one line each); --out then cannot be used.

spend shows the units real tasks were charged (final_unit_deduction; the sandbox is free) by day,
week (from Monday), month or model, as money once a price is set, and the caps with what today and
this month have committed (charged plus the estimates of jobs on their way). budget sets the caps
and the price in the settings the app shares: a generate or extend that would go above a cap is
stopped before anything is written (exit 6) unless --over-budget.

--image makes an image-to-video job (the first frame; --image-tail the last), --images a
multi-image one (2 to 4 reference images); K is text2video, image2video, multi-image2video or
video-extend. Images are checked (JPG or PNG, at most 10 MB, at least 300x300 pixels, aspect
between 1:2.5 and 2.5:1) before anything is sent, and kept in the library's Inputs folder.

Jobs are recorded in the app's history (--data DIR or KLING_STUDIO_DATA_DIR choose another folder)
and videos saved in its library (--library DIR overrides the folder). The emulator prints a
command that uses a data folder of its own, so trying it leaves your history and library alone;
--dialect makes it answer as another gateway does (new-api, one-hub). The key comes from
COMETAPI_KEY, or else from the OS keychain where the app keeps it; the base URL from --base-url,
COMETAPI_BASE_URL, the app's settings, or ${DEFAULT_BASE_URL}. The key goes only to https
addresses (plain http only on this computer), never to a URL with a user name.

Exit codes: 0 done, 1 the task failed, 2 bad usage or invalid input, 3 an API error,
4 network or timeout, 5 the job was cancelled elsewhere (the app) before it was sent (nothing paid),
6 a spending cap stopped it (nothing sent; --over-budget passes it), 7 the history cannot be
used (damaged, busy or written by a newer version).
`
