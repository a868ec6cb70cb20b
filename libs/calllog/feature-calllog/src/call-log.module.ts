import { Module } from '@nestjs/common';
import { CallLogRepository } from '@tws/calllog-data-access';
import { CallLogConsumer } from './call-log.consumer';

/** eventservices' call-log feature: telephony stream in, call_log rows out. */
@Module({ providers: [CallLogRepository, CallLogConsumer] })
export class CallLogModule {}
