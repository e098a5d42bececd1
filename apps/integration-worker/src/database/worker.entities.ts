import { ActionDataEntity } from '../actions/action-data.entity.js';
import { ActionEntity } from '../actions/action.entity.js';
import { DeploymentEntity } from '../deployments/deployment.entity.js';
import { ActionAnswerEntity } from '../ingest/action-answer.entity.js';
import { CarrierPollBudgetEntity } from '../integrations/tracking/poll-carrier/carrier-poll-budget.entity.js';
import { MailboxMailEntity } from '../integrations/tracking/mailbox-mail.entity.js';
import { NotificationOptOutEntity } from '../integrations/tracking/notification-opt-out.entity.js';
import { NotificationTemplateEntity } from '../integrations/tracking/notification-template.entity.js';
import { PackageEventEntity } from '../integrations/tracking/package-event.entity.js';
import { PackageRecipientEntity } from '../integrations/tracking/package-recipient.entity.js';
import { TrackedPackageEntity } from '../integrations/tracking/tracked-package.entity.js';
import { RunEntity } from '../runs/run.entity.js';
import { ReplyEntity } from '../runtime/reply.entity.js';
import { RequestEntity } from '../runtime/request.entity.js';
import { EffectEntity } from '../runtime/effect.entity.js';
import { ScheduleFiringEntity } from '../schedules/schedule-firing.entity.js';
import { ScheduleEntity } from '../schedules/schedule.entity.js';
import { SettlementEntity } from '../runtime/settlement.entity.js';

/** One entity per table of the `worker` schema (registered with the worker's DataSource). */
export const WORKER_ENTITIES = [
  RunEntity,
  EffectEntity,
  DeploymentEntity,
  ActionEntity,
  TrackedPackageEntity,
  PackageEventEntity,
  PackageRecipientEntity,
  NotificationOptOutEntity,
  MailboxMailEntity,
  ScheduleEntity,
  ScheduleFiringEntity,
  NotificationTemplateEntity,
  ActionDataEntity,
  ActionAnswerEntity,
  RequestEntity,
  ReplyEntity,
  SettlementEntity,
  CarrierPollBudgetEntity,
];
