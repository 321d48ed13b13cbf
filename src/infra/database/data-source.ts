import { DataSource } from 'typeorm';
import { loadConfigFromEnv } from '../config/config';
import { dataSourceOptions } from './data-source.options';

/** The DataSource the TypeORM CLI uses (`npm run migration:generate -- migrations/<Name>`). */
export default new DataSource(dataSourceOptions(loadConfigFromEnv()));
