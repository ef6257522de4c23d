import type { ConfirmedAccountAction } from "@/lib/admin-confirm";
import { ConfirmStep } from "@/components/form/confirm";

const STEPS: Record<ConfirmedAccountAction, { title: string; consequence: string; confirm: string }> = {
  disable: {
    title: "Are you sure you want to disable this account?",
    consequence:
      "The person is signed out straight away and cannot sign in until an administrator enables the account again. Their uploads are kept.",
    confirm: "Yes, disable the account",
  },
  "reset-second-factor": {
    title: "Are you sure you want to reset two-factor authentication?",
    consequence:
      "Their authenticator app and recovery codes stop working and their sessions end. The next sign-in asks them to set up a new authenticator app, so only do this once you are sure who asked.",
    confirm: "Yes, reset two-factor authentication",
  },
  "force-password-change": {
    title: "Are you sure you want to force a password change?",
    consequence: "Their sessions end now, and the next sign-in asks for a new password.",
    confirm: "Yes, force a password change",
  },
};

export function AccountConfirmStep({
  account,
  what,
  action,
}: {
  account: { id: string; displayName: string; email: string };
  what: ConfirmedAccountAction;
  action: (form: FormData) => void | Promise<void>;
}) {
  const s = STEPS[what];
  return (
    <ConfirmStep
      title={s.title}
      consequence={`${account.displayName} (${account.email}). ${s.consequence}`}
      confirmLabel={s.confirm}
      cancelHref={`/admin/accounts/${account.id}`}
      action={action}
    />
  );
}
