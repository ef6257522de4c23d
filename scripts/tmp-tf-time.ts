import { generateTroubledFamilies } from "@/lib/troubled-families/generate";
import { assemblePopulation } from "@/lib/troubled-families/population";
import { evaluateScopes } from "@/lib/troubled-families/scopes";
let t = performance.now();
const persons = generateTroubledFamilies({
  seed: 1,
  councils: ["a", "b"],
  periods: ["2015-H2", "2016-H1", "2016-H2", "2017-H1", "2017-H2", "2018-H1"],
  familiesPerBatch: 8334,
});
console.log("generated", persons.length, "persons", Math.round(performance.now() - t));
t = performance.now();
const pop = assemblePopulation(persons);
console.log("assembled", pop.persons.length, Math.round(performance.now() - t));
t = performance.now();
const r = evaluateScopes(pop.persons);
console.log("scopes", r.length, Math.round(performance.now() - t));
console.log(JSON.stringify(r.map((x) => [x.scope, x.cohort, x.published.counts.summary, x.published.outcomes[0]?.did])).slice(0, 600));
