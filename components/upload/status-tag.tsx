import { STATUS_LABELS } from "./format";

export function StatusTag({ status }: { status: string }) {
  const s = STATUS_LABELS[status] ?? { label: status, tag: "tag--grey" };
  return <strong className={`tag ${s.tag}`}>{s.label}</strong>;
}
