import type { VangeFilters } from "@/lib/dashboards/vange";
import { districtLabel } from "./place-names";

/** A plain GET form: works without JavaScript and gives every view its own URL. */
export function DashboardFilters({
  action,
  filters,
  years,
  districts,
}: {
  action: string;
  filters: VangeFilters;
  years: number[];
  districts: string[];
}) {
  return (
    <form method="get" action={action} className="filters" aria-label="Filter the dashboard">
      <div className="form-group">
        <label htmlFor="year">Assessment year</label>
        <select id="year" name="year" defaultValue={filters.year ?? ""}>
          <option value="">All years</option>
          {years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </div>
      <div className="form-group">
        <label htmlFor="district">School district</label>
        <select id="district" name="district" defaultValue={filters.district ?? ""}>
          <option value="">All districts</option>
          {districts.map((d) => (
            <option key={d} value={d}>
              {districtLabel(d)}
            </option>
          ))}
        </select>
      </div>
      <div className="form-group">
        <button type="submit" className="button">
          Apply filters
        </button>
      </div>
    </form>
  );
}
