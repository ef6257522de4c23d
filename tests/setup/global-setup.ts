// Replaced by the database-starting global setup in the foundation commit.
export default async function setup() {}
