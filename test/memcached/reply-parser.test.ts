import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { ReplyParser, type ReplySink } from '../../src/memcached/protocol.js';
import { PROPERTY_SEED } from '../helpers/seed.js';

type Event = ['value', string, number, string] | ['line', string];

function collect(): { sink: ReplySink; events: Event[] } {
  const events: Event[] = [];
  return {
    events,
    sink: {
      value: (key, flags, data) => events.push(['value', key, flags, data.toString('latin1')]),
      line: (line) => events.push(['line', line]),
    },
  };
}

const STREAM = Buffer.from(
  'VALUE a 0 3\r\nabc\r\nEND\r\nSTORED\r\nVALUE k\u00e9y 42 6\r\nx\r\ny\r\n\r\nVALUE b 1 0\r\n\r\nEND\r\n17\r\nNOT_FOUND\r\nSERVER_ERROR out of memory\r\n',
  'utf8',
);
const EXPECTED: Event[] = [
  ['value', 'a', 0, 'abc'],
  ['line', 'END'],
  ['line', 'STORED'],
  ['value', 'k\u00e9y', 42, 'x\r\ny\r\n'],
  ['value', 'b', 1, ''],
  ['line', 'END'],
  ['line', '17'],
  ['line', 'NOT_FOUND'],
  ['line', 'SERVER_ERROR out of memory'],
];

describe('ReplyParser', () => {
  it('parses lines and value blocks (including CRLF inside data) in one chunk', () => {
    const { sink, events } = collect();
    new ReplyParser(sink).feed(STREAM);
    expect(events).toEqual(EXPECTED);
  });

  it('gives the same result however the stream is split into chunks', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: STREAM.length - 1 }), { maxLength: 12 }), (cuts) => {
        const { sink, events } = collect();
        const parser = new ReplyParser(sink);
        let start = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          parser.feed(STREAM.subarray(start, cut));
          start = cut;
        }
        parser.feed(STREAM.subarray(start));
        expect(events).toEqual(EXPECTED);
        expect(parser.bufferedBytes).toBe(0);
      }),
      { seed: PROPERTY_SEED, numRuns: 300 },
    );
  });

  it('returns private copies of values, not views of the socket chunk', () => {
    const values: Buffer[] = [];
    const chunk = Buffer.from('VALUE a 0 3\r\nabc\r\n');
    new ReplyParser({ value: (_key, _flags, data) => values.push(data), line: () => {} }).feed(chunk);
    chunk.fill(0);
    expect(values[0]?.toString()).toBe('abc');
  });

  it('throws ProtocolError on bare LF, a bad VALUE header, a block without CRLF, or an endless line', () => {
    const parse = (text: string) => () => new ReplyParser(collect().sink).feed(Buffer.from(text));
    expect(parse('STORED\n')).toThrow(ProtocolError);
    expect(parse('VALUE a x 3\r\n')).toThrow(ProtocolError);
    expect(parse('VALUE a 0 3\r\nabcd\r\n')).toThrow(ProtocolError);
    expect(parse('x'.repeat(9000))).toThrow(ProtocolError);
  });
});
