import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin, type AdminPrincipal } from '@tws/identity-data-access';
import { openApiSchema, ZodPipe } from '@tws/service';
import { LicencesService } from './licences.service';
import { loadLicenceSchema, type LoadLicence } from './licences.schemas';

@ApiTags('licences')
@ApiBearerAuth()
@Controller('api/admin/v1/licences')
export class LicencesController {
  constructor(private readonly licences: LicencesService) {}

  @Get()
  @ApiOperation({
    summary: 'Security / Licences: the installation id (dongle id), the licence file in force, Available / Used / Free per application',
    description: 'Any administrator; the figures are installation-wide (all companies), as in the original where licences belong to the server.',
  })
  view(@CurrentAdmin() admin: AdminPrincipal) {
    return this.licences.view(admin);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Load a licence file (super users): replaces the file in force and every count, or changes nothing and says why',
  })
  @ApiBody({ schema: openApiSchema(loadLicenceSchema) })
  load(@CurrentAdmin() admin: AdminPrincipal, @Body(new ZodPipe(loadLicenceSchema)) body: LoadLicence) {
    return this.licences.load(admin, body.content);
  }
}
