import { describe, expect, it } from "vitest";
import { currentNavHref } from "./nav-links";

const ADMIN = [
  { href: "/admin", label: "Administration" },
  { href: "/admin/accounts", label: "Accounts" },
  { href: "/admin/incidents", label: "Incidents" },
];

describe("currentNavHref", () => {
  it("marks the exact page", () => expect(currentNavHref(ADMIN, "/admin")).toBe("/admin"));
  it("marks the section of a page below it, not its parent", () => expect(currentNavHref(ADMIN, "/admin/accounts/42")).toBe("/admin/accounts"));
  it("does not treat a shared prefix as a parent", () => expect(currentNavHref(ADMIN, "/admin/accountsx")).toBe("/admin"));
  it("marks nothing outside the navigation", () => expect(currentNavHref(ADMIN, "/uploads")).toBeNull());
});
