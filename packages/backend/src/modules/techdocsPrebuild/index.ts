export { searchModuleTechDocsPrebuild } from './module';
