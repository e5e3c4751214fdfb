export * from './local-stack.ts';
