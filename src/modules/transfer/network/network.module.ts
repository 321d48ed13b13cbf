import { Module } from '@nestjs/common';
import { TaxonomyModule } from '../../platform/taxonomy/taxonomy.module';
import { BrokersRepository } from './brokers.repository';
import { BrokersService } from './brokers.service';
import { CentreScope } from './centre-scope.service';
import { BrokersController, NeedRoutesController } from './network.controller';
import { NeedRoutesRepository } from './need-routes.repository';
import { NeedRoutesService } from './need-routes.service';

/**
 * The service network (1+M+N, ADR 0058): broker profiles, the routing table of needs, and the
 * centre scoping along the organizations' `parent` tree. Other transfer modules use CentreScope.
 */
@Module({
  imports: [TaxonomyModule],
  controllers: [BrokersController, NeedRoutesController],
  providers: [BrokersService, BrokersRepository, NeedRoutesService, NeedRoutesRepository, CentreScope],
  exports: [CentreScope],
})
export class NetworkModule {}
