import { brand, BrandName, hasBrand } from '../estate/brand';

/**
 * Brands of the application constructs. They use the estate's stamp (a global symbol per name), so the checks work
 * across two copies of this library; the estate's `BrandName` union does not list them yet, hence the cast.
 */
export type AppBrandName = 'AppTemplate' | 'CapacityPolicy';

export function brandApp(instance: object, name: AppBrandName): void {
  brand(instance, name as unknown as BrandName);
}

export function hasAppBrand(x: unknown, name: AppBrandName): boolean {
  return hasBrand(x, name as unknown as BrandName);
}
