import { brand, hasBrand } from '../estate/brand';

/**
 * Brands of the application constructs: the estate's stamp (a global symbol per name), so the checks work across
 * two copies of this library.
 */
export type AppBrandName = 'AppTemplate' | 'CapacityPolicy' | 'Team';

export function brandApp(instance: object, name: AppBrandName): void {
  brand(instance, name);
}

export function hasAppBrand(x: unknown, name: AppBrandName): boolean {
  return hasBrand(x, name);
}
