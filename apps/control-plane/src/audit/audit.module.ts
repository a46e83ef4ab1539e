import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module';
import { AuditExportController } from './audit-export.controller';
import { AuditLog } from './audit-log.service';
import { AuditMutationInterceptor } from './audit-mutation.interceptor';
import { AuditRetentionJob } from './audit-retention.job';
import { AuditRepository } from './audit.repository';
import { AuditResolver } from './audit.resolver';
import { AuditService } from './audit.service';
import { AuthAudit } from './auth-audit';

/**
 * The audit log: AuditLog (record events, global so any module can inject
 * it), AuthAudit (sign-in and rejected credentials), the interceptor that audits
 * every GraphQL mutation, `auditEvents` / `auditLogVerify`, the NDJSON and CSV
 * exports, and periodic retention.
 */
@Global()
@Module({
  imports: [AuthModule],
  controllers: [AuditExportController],
  providers: [
    AuditLog,
    AuthAudit,
    AuditRepository,
    AuditService,
    AuditResolver,
    AuditRetentionJob,
    { provide: APP_INTERCEPTOR, useClass: AuditMutationInterceptor },
  ],
  exports: [AuditLog, AuthAudit],
})
export class AuditModule {}
