import type { Metadata } from "next";
import { usesBundledProvider } from "@/lib/auth/config";
import { withContext } from "@/lib/db/tenant";
import { listSigningKeys } from "@/lib/idp/keys";
import { readFlash } from "@/lib/http/flash";
import { formatDate, Notices } from "../_ui";
import { rotateKeysAction } from "../actions";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Signing keys" };
export const dynamic = "force-dynamic";

export default definePage("admin.signing-keys", async ({ unit, searchParams }) => {
  const flash = await readFlash(searchParams.f);
  const keys = await withContext(unit, (tx) => listSigningKeys(tx));
  const bundled = usesBundledProvider();
  return (
    <>
      <Notices flash={flash} />
      <h1>Signing keys</h1>
      {!bundled && (
        <div className="inset">
          <p>The portal signs users in through an external provider (OIDC_ISSUER); these keys belong to the bundled provider, which is not in use.</p>
        </div>
      )}
      <p className="lead">
        The bundled identity provider signs ID tokens with the active key. Rotating makes a new key at once; the previous one stays published for a
        day so tokens it signed still verify.
      </p>
      <table>
        <caption>Keys</caption>
        <thead>
          <tr>
            <th scope="col">Key id</th>
            <th scope="col">Algorithm</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Published until</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.kid}>
              <td>
                <code>{k.kid}</code>
              </td>
              <td>{k.alg}</td>
              <td>{k.status}</td>
              <td>{formatDate(k.createdAt)}</td>
              <td>{k.status === "retiring" ? formatDate(k.retireAfter) : k.status === "active" ? "In use" : "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form action={rotateKeysAction}>
        <button type="submit" className="button button--secondary">
          Rotate the signing key
        </button>
      </form>
    </>
  );
});
