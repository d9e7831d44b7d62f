export * from './mesh';
export * from './traffic';
export * from './route';
export * from './render';
