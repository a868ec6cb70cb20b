import { Module } from '@nestjs/common';
import { CallLogRepository } from '@tws/calllog-data-access';
import { CallLogConsumer } from './call-log.consumer';
import { CallerIdentity } from './caller-identity';

/** eventservices' call-log feature: telephony stream in, call_log rows out, remote parties named. */
@Module({ providers: [CallLogRepository, CallerIdentity, CallLogConsumer] })
export class CallLogModule {}
