import { describe, expect, it } from "vitest";
import { csvCell, csvLine, newCsvScan, scanCsv } from "./csv";

describe("CSV", () => {
  it("quotes what needs quoting and disarms formulas, but not negative numbers", () => {
    expect(csvLine(["a", 'say "hi"', "x,y", "line\nbreak", null, 12n, -3])).toBe(
      'a,"say ""hi""","x,y","line\nbreak",,12,-3\n',
    );
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("-12.50")).toBe("-12.50");
    expect(csvCell("@sum")).toBe("'@sum");
  });

  it("counts records and reads each one's leading fields across any chunking", () => {
    const text =
      'id,status,amount,description\n1,paid,100,"a, ""quoted""\nvalue"\n2,failed,5,plain\n3,paid,7,"x\n"\n';
    for (let size = 1; size <= text.length; size++) {
      const scan = newCsvScan();
      const seen: string[][] = [];
      for (let i = 0; i < text.length; i += size) {
        scanCsv(Buffer.from(text.slice(i, i + size)), scan, 3, (fields) => seen.push(fields));
      }
      expect(scan.records, `chunks of ${size}`).toBe(4);
      expect(seen, `chunks of ${size}`).toEqual([
        ["1", "paid", "100"],
        ["2", "failed", "5"],
        ["3", "paid", "7"],
      ]);
    }
  });
});
