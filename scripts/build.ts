// `npm run build`: the production build, stamped so that `npm start` knows it is current.
import { buildPortal } from "@/lib/server/build";

await buildPortal(process.cwd(), (l) => console.log(l));
console.log("Build complete.");
