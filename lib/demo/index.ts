import "server-only";

export { DEMO_DEFAULTS, generateDemoData, type DemoOptions, type DemoResult, type DemoStats, type GeneratedFile, type GldRate } from "./generate";
export { DATASET_COLUMNS, type DatasetId } from "./columns";
export { DEMO_SALT } from "./identities";
export { goodLevelOfDevelopment } from "./eyfsp";
