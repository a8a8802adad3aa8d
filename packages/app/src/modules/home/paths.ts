/** Where the dashboards Home links to are mounted (their plugins' pages). */
export const DORA_PATH = '/dora';
export const ADOPTION_PATH = '/adoption';
