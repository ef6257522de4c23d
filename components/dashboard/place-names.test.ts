import { describe, expect, it } from "vitest";
import { districtLabel, districtName } from "./place-names";

describe("district names", () => {
  it("names the council and the district", () => {
    expect(districtName("BAS-VANGE")).toBe("Basildon: Vange");
    expect(districtName("BAS-CENTRAL")).toBe("Basildon: Central");
    expect(districtLabel("BAS-PITSEA")).toBe("Basildon: Pitsea (BAS-PITSEA)");
  });
  it("spells out a code of another form", () => {
    expect(districtName("NORTH-WEST")).toBe("North West");
    expect(districtName("X1")).toBe("X1");
    expect(districtLabel("MULTI-WORD-AREA")).toBe("Multi Word Area (MULTI-WORD-AREA)");
  });
});
