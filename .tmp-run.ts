import { main } from './src/cli/main';
void main(process.argv.slice(2)).then((c) => { process.exitCode = c; });
