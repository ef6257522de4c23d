import "server-only";
// The one mail path of the portal (decision 086; docs/ARCHITECTURE.md, "E-mail").
export { queueMail, MailInputError, type MailInput, type MailKind } from "./outbox";
export { nudgeMailDelivery, startMailWorker, stopMailWorker, dispatchPendingMail } from "./deliver";
