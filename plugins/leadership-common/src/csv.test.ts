import { csvField, csvOfLines, toCsv } from './csv';

describe('csv', () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(0.5)).toBe('0.5');
  });

  it('defuses what a spreadsheet would run as a formula', () => {
    for (const formula of ['=SUM(A1)', '+1', '-1+cmd', '@SUM(A1)']) {
      expect(csvField(formula)).toBe(`'${formula}`);
    }
    expect(csvField('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvField('\t=1+1')).toBe("'\t=1+1");
    expect(csvField('\r=1+1')).toBe(`"'\r=1+1"`);
  });

  it('keeps numbers as numbers, negative ones too', () => {
    expect(csvField(-5)).toBe('-5');
    expect(csvField(-0.25)).toBe('-0.25');
    expect(csvField('-5')).toBe("'-5");
  });

  it('leaves missing values empty', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvOfLines([['a', null, 'c']])).toBe('a,,c\r\n');
  });

  it('writes a header and one line per row, with CRLF line ends', () => {
    expect(
      toCsv(
        [
          { team: 'group:default/payments', share: 0.5 },
          { team: 'group:default/search, discovery', share: null },
        ],
        [
          { title: 'Team', value: r => r.team },
          { title: 'Share', value: r => r.share },
        ],
      ),
    ).toBe(
      'Team,Share\r\ngroup:default/payments,0.5\r\n"group:default/search, discovery",\r\n',
    );
  });
});
