export declare function isBeforeNode2212(version: string): boolean;
export declare const runtimeNodeDir: (root: string) => string;
