// The terminal chat in English. `{name}` is filled in by i18n.ts; messages-zh-cn.ts has every key.
export const EN = {
  greeting: 'PacketChat: you are {nick}, talking from port {port} ({sockets})',
  socketsWithTcp: 'server port {server}, TCP {tcp}',
  socketsNoTcp: 'server port {server}, TCP off',
  addresses: 'Your addresses: {list}',
  typeHelp: 'Type /help for commands.',
  help: [
    'Commands:',
    '  /peers              list peers (number, nickname, IP:port, online)',
    '  /to N|NAME|IP:PORT  talk to that peer: its number, nickname or first letters of it',
    '                      (an IP:PORT that is no peer gets plain UDP text)',
    '  @N text, @NAME text send one message to that peer',
    '  /history [N]        the last N messages with the selected peer (default 20)',
    '  /add IP[:PORT]      announce to an address (a peer on another subnet)',
    '  /nick NAME          change your nickname (kept in your profile)',
    '  /help, /quit        this text; leave (or Ctrl-D)',
    'Any other line goes to the selected peer.',
  ].join('\n'),
  peerOnline: '+ {peer} is online ({host})',
  peerOffline: '- {peer} went offline',
  peerMoved: '~ {nick} moved from {from} to {to}',
  peerRenamed: '~ {old} is now known as {new}',
  strangerWrote: '? a stranger at {address} wrote; reply with /to {address}',
  stranger: 'stranger',
  me: 'me',
  delivered: '✓ delivered: "{text}"',
  sentPlain: '✓ sent: "{text}"',
  pending: '… {peer} is away; will send when it is back: "{text}"',
  failed: '! not delivered to {peer}: "{text}"',
  held: '! held until you accept {peer}\'s new key: "{text}"',
  keyChanged:
    "! {peer}'s key changed (was {previous}, now {fingerprint}). Messages to {peer} are held until you accept the new key.",
  someMessage: 'a message',
  warning: '(warning: {message})',
  notice: '! {message}',
  noPeers: 'No peers yet. Waiting for announces…',
  online: 'online',
  offline: 'offline',
  noSuchPeer: '! no peer "{ref}"; /peers lists them',
  ambiguousPeer: '! "{ref}" matches several peers: {list}; type more of the name, or the number',
  talkingTo: 'Talking to {peer}',
  announced: 'Announced to {address}',
  nickNeeded: '! /nick needs a name',
  nickNow: 'You are now {nick}',
  badNick: '! a nickname is 1 to {max} characters, without control characters',
  unknownCommand: '! unknown command {command}; /help lists them',
  nobodySelected: '! nobody selected yet: /peers, then /to N',
  historyNone: 'No messages with {peer} yet.',
  historyHeader: '— the last {count} with {peer} —',
  historyCount: '! /history takes a number from 1 to {max}',
  tooLong: '! that message is too long to send',
  badAddress: '! "{address}" is not an IPv4 address or IP:PORT',
  notRunning: '! the network node is not running',
  failedCall: '! {message}',
  loopbackDiscovery:
    'No network interface has a broadcast address: looking for peers on this machine only ({address}).',
  otherCopy:
    'Another PacketChat runs on this machine ({peer}). A plain UDP tool writing to port {server} reaches only the copy started last; to write to this one, use port {port}: nc -u {address} {port}',
  discoveryHint:
    'No peers found yet. For a peer on another network: /add IP, or start with --peer IP or --broadcast ADDR.',
  serverPortInUse:
    'UDP port {port} is in use by another program. Start with --server-port N to use another port.',
  noClientPort:
    'No free client port from {from} to {to}. Start with --client-port N to try other ports.',
  bindFailed:
    'Cannot open the network ports ({reason}). Try other ones with --server-port N and --client-port N.',
  profileLocked:
    'The profile "{profile}" is in use by another running copy. Start with --profile NAME to use another profile.',
  startFailed: 'Could not start: {reason}',
} as const;

export type Messages = { readonly [K in keyof typeof EN]: string };
