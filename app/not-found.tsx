import type { Metadata } from "next";
import { NotFoundBody } from "@/components/errors/pages";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return <NotFoundBody />;
}
