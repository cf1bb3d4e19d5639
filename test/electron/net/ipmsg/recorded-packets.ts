/**
 * IPMsg datagrams as real clients send them. The iptux ones were captured from iptux 0.8.3
 * (Debian 12, `iptux -l DEBUG` hexdumps) in a network namespace while building this module; the
 * FeiQ and IP Messenger ones are built byte for byte from their documented formats (FeiQ's
 * version strings from FeiQ captures published with its clones; IP Messenger's from its
 * protocol document and ipmsg.h), because both are Windows programs that cannot run here.
 */
import iconv from 'iconv-lite';

const bytes = (...parts: (string | Buffer | number[])[]): Buffer =>
  Buffer.concat(
    parts.map((p) =>
      typeof p === 'string' ? Buffer.from(p, 'latin1') : Array.isArray(p) ? Buffer.from(p) : p,
    ),
  );
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const gbk = (text: string): Buffer => iconv.encode(text, 'gbk');
const cp932 = (text: string): Buffer => iconv.encode(text, 'cp932');

export const IPTUX = {
  /** BR_ENTRY | ABSENCEOPT (257): nickname, group, icon and encoding sections. */
  entry: bytes('1_iptux 0.8.3:1:root:vm:257:iptuxA\0grp\0icon-tux.png\0utf-8\0'),
  /** ANSENTRY | ABSENCEOPT (259). */
  answer: bytes('1_iptux 0.8.3:4:root:vm:259:iptuxA\0grp\0icon-tux.png\0utf-8\0'),
  /** SENDMSG | SENDCHECKOPT (288), UTF-8 without UTF8OPT. */
  message: bytes('1_iptux 0.8.3:6:root:vm:288:', utf8('你好 bob 😀 hello'), '\0'),
  /** RECVMSG | SENDCHECKOPT (289): iptux sets SENDCHECKOPT on its acknowledgements too. */
  ack: bytes('1_iptux 0.8.3:8:root:vm:289:1795615482\0'),
  /** SENDMSG | FILEATTACHOPT (2097184): empty text, one file (id 10000, 0x186a0 bytes). */
  fileOffer: bytes('1_iptux 0.8.3:11:root:vm:2097184:\0', '10000:out.bin:186a0:6b06ebb2:1:\x07\0'),
  /** BR_EXIT | DIALUPOPT (65538). */
  exit: bytes('1_iptux 0.8.3:12:root:vm:65538:\0'),
};

export const FEIQ = {
  entry: bytes('1_lbt6_0#128#000C29AABBCC#0#0#0#4001#9:1795615446:bob:hostb:1:bob\0grpb'),
  /** FeiQ text is GBK without UTF8OPT. */
  message: bytes(
    '1_lbt4_10#32899#002481627512#0#0#0:1289671407:',
    gbk('张三'),
    ':',
    gbk('张三的电脑'),
    ':288:',
    gbk('你好，飞秋用户！'),
    '\0',
  ),
  /** A file offer with a Chinese name. */
  fileOffer: bytes(
    '1_lbt4_0#128#0022680C51AC#0#0#0:1289671408:admin:PC-1:2097440:',
    gbk('给你文件'),
    '\0',
    '1:',
    gbk('报告.docx'),
    ':2800:6b06eaf9:1:\x07',
  ),
};

export const IP_MESSENGER = {
  /** IP Messenger 5: entry with CAPUTF8OPT|FILEATTACHOPT|ENCRYPTOPT, CP932 names, UTF-8 extension. */
  entry: bytes(
    '1:1700000001:',
    cp932('山田'),
    ':YAMADA-PC:',
    String(0x1 | 0x0100_0000 | 0x0020_0000 | 0x0040_0000),
    ':',
    cp932('山田太郎'),
    '\0',
    cp932('営業部'),
    '\0',
    utf8('\nUN:山田\nHN:YAMADA-PC\nNN:山田太郎\nGN:営業部'),
    '\0',
  ),
  /** A message with UTF8OPT|CAPUTF8OPT|SENDCHECKOPT. */
  message: bytes(
    '1:1700000002:yamada:YAMADA-PC:',
    String(0x20 | 0x100 | 0x0080_0000 | 0x0100_0000),
    ':',
    utf8('こんにちは 🎌'),
    '\0',
  ),
  /** An old IP Messenger (2.x) in Japan: CP932 text, no UTF-8 flags. */
  legacyMessage: bytes('1:1700000003:suzuki:PC2:288:', cp932('テストです'), '\0'),
  /** Absence: BR_ABSENCE|ABSENCEOPT with the absence in the nickname. */
  absence: bytes(
    '1:1700000004:yamada:YAMADA-PC:',
    String(0x4 | 0x100 | 0x0080_0000 | 0x0100_0000),
    ':',
    utf8('山田[会議中]'),
    '\0',
  ),
};
