import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only money ledger (拨付, ADR 0028): `payments` are the tranches of a project per payer
 * (first, one per milestone, final), whose rows change only by a forward status transition, and
 * `ledger_entries` record every such change (and the amounts released at termination), never
 * changed or removed. The triggers below are the backstop of every rule the service checks.
 */
export class Ledger1763701300000 implements MigrationInterface {
  name = 'Ledger1763701300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "payments" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "project_id" uuid NOT NULL,
        "challenge_id" uuid NOT NULL,
        "payer" text NOT NULL,
        "kind" text NOT NULL,
        "milestone_id" uuid,
        "sequence" integer NOT NULL,
        "amount_fen" bigint NOT NULL,
        "status" text NOT NULL DEFAULT 'scheduled',
        "approved_at" TIMESTAMP WITH TIME ZONE,
        "approved_by" uuid,
        "paid_at" TIMESTAMP WITH TIME ZONE,
        "paid_by" uuid,
        "cancelled_at" TIMESTAMP WITH TIME ZONE,
        "cancel_reason" text,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_payments" PRIMARY KEY ("id"),
        CONSTRAINT "ck_payments_payer" CHECK ("payer" IN ('fiscal', 'issuer')),
        CONSTRAINT "ck_payments_kind" CHECK ("kind" IN ('first', 'milestone', 'final')),
        CONSTRAINT "ck_payments_status" CHECK ("status" IN ('scheduled', 'approved', 'paid', 'cancelled')),
        CONSTRAINT "ck_payments_amount" CHECK ("amount_fen" > 0),
        CONSTRAINT "ck_payments_sequence" CHECK ("sequence" >= 1),
        CONSTRAINT "ck_payments_milestone" CHECK (("kind" = 'milestone') = ("milestone_id" IS NOT NULL)),
        CONSTRAINT "fk_payments_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id"),
        CONSTRAINT "fk_payments_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id"),
        CONSTRAINT "fk_payments_milestone" FOREIGN KEY ("milestone_id") REFERENCES "project_milestones"("id"),
        CONSTRAINT "fk_payments_approved_by" FOREIGN KEY ("approved_by") REFERENCES "users"("id"),
        CONSTRAINT "fk_payments_paid_by" FOREIGN KEY ("paid_by") REFERENCES "users"("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_payments_sequence" ON "payments" ("project_id", "payer", "sequence")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_payments_challenge" ON "payments" ("challenge_id")`);
    await queryRunner.query(`CREATE INDEX "ix_payments_milestone" ON "payments" ("milestone_id")`);

    await queryRunner.query(`
      CREATE TABLE "ledger_entries" (
        "id" BIGSERIAL NOT NULL,
        "payment_id" uuid,
        "project_id" uuid NOT NULL,
        "challenge_id" uuid NOT NULL,
        "payer" text NOT NULL,
        "kind" text NOT NULL,
        "amount_fen" bigint NOT NULL,
        "actor_type" text NOT NULL,
        "actor_id" uuid,
        "reason" text,
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_ledger_entries" PRIMARY KEY ("id"),
        CONSTRAINT "ck_ledger_entries_payer" CHECK ("payer" IN ('fiscal', 'issuer')),
        CONSTRAINT "ck_ledger_entries_kind" CHECK ("kind" IN ('scheduled', 'approved', 'paid', 'cancelled', 'released')),
        CONSTRAINT "ck_ledger_entries_amount" CHECK ("amount_fen" > 0),
        CONSTRAINT "ck_ledger_entries_payment" CHECK (("kind" = 'released') = ("payment_id" IS NULL)),
        CONSTRAINT "fk_ledger_entries_payment" FOREIGN KEY ("payment_id") REFERENCES "payments"("id"),
        CONSTRAINT "fk_ledger_entries_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id"),
        CONSTRAINT "fk_ledger_entries_challenge" FOREIGN KEY ("challenge_id") REFERENCES "challenges"("id")
      )`);
    // One entry per payment and kind: a payment is scheduled, approved, paid or cancelled at most once.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_ledger_entries_payment_kind" ON "ledger_entries" ("payment_id", "kind")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_ledger_entries_project" ON "ledger_entries" ("project_id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_ledger_entries_challenge" ON "ledger_entries" ("challenge_id")`,
    );

    // ledger_entries: append-only.
    await queryRunner.query(`
      CREATE FUNCTION ledger_entries_append_only() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger_entries is append-only: % refused', TG_OP
          USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_append_only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "ledger_entries_append_only"
      BEFORE UPDATE OR DELETE ON "ledger_entries"
      FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER "ledger_entries_no_truncate"
      BEFORE TRUNCATE ON "ledger_entries"
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()`);

    // An entry of a payment states that payment's current status, payer and amount.
    await queryRunner.query(`
      CREATE FUNCTION ledger_entries_match_payment() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE p payments%ROWTYPE;
      BEGIN
        IF NEW.payment_id IS NULL THEN RETURN NEW; END IF;
        SELECT * INTO p FROM payments WHERE id = NEW.payment_id;
        IF p.status IS DISTINCT FROM NEW.kind OR p.amount_fen <> NEW.amount_fen OR p.payer <> NEW.payer
           OR p.project_id <> NEW.project_id OR p.challenge_id <> NEW.challenge_id THEN
          RAISE EXCEPTION 'A ledger entry (%) must state its payment''s status (%), payer and amount', NEW.kind, p.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_match_payment';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "ledger_entries_match_payment"
      BEFORE INSERT ON "ledger_entries"
      FOR EACH ROW EXECUTE FUNCTION ledger_entries_match_payment()`);

    // payments: never deleted; inserted scheduled within the payer's budget; only forward transitions;
    // the paid sum per project and payer never exceeds the task book's amount.
    await queryRunner.query(`
      CREATE FUNCTION payments_guard() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE budget bigint; total bigint;
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'payments are never deleted: cancel the tranche instead'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_guard';
        END IF;
        -- The project row first, as the service does: concurrent writers of one project serialize here.
        SELECT CASE WHEN NEW.payer = 'fiscal' THEN fiscal_fen ELSE issuer_fen END INTO budget
          FROM projects WHERE id = NEW.project_id FOR UPDATE;
        IF TG_OP = 'INSERT' THEN
          IF NEW.status <> 'scheduled' THEN
            RAISE EXCEPTION 'A tranche is inserted scheduled, not %', NEW.status
              USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_guard';
          END IF;
          SELECT COALESCE(SUM(amount_fen), 0) INTO total FROM payments
            WHERE project_id = NEW.project_id AND payer = NEW.payer AND status <> 'cancelled';
          IF total + NEW.amount_fen > budget THEN
            RAISE EXCEPTION 'Tranches of % fen would exceed the % budget of % fen', total + NEW.amount_fen, NEW.payer, budget
              USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_within_budget';
          END IF;
          RETURN NEW;
        END IF;
        IF NEW.id <> OLD.id OR NEW.project_id <> OLD.project_id OR NEW.challenge_id <> OLD.challenge_id
           OR NEW.payer <> OLD.payer OR NEW.kind <> OLD.kind
           OR NEW.milestone_id IS DISTINCT FROM OLD.milestone_id OR NEW.sequence <> OLD.sequence
           OR NEW.amount_fen <> OLD.amount_fen OR NEW.created_at <> OLD.created_at THEN
          RAISE EXCEPTION 'A tranche''s project, payer, kind, milestone, sequence and amount never change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_guard';
        END IF;
        IF NEW.status = OLD.status THEN
          IF ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
            RAISE EXCEPTION 'A tranche changes only by a status transition'
              USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_guard';
          END IF;
          RETURN NEW;
        END IF;
        IF NOT ((OLD.status = 'scheduled' AND NEW.status IN ('approved', 'cancelled'))
             OR (OLD.status = 'approved' AND NEW.status IN ('paid', 'cancelled'))) THEN
          RAISE EXCEPTION 'A tranche cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_transition';
        END IF;
        IF NEW.status = 'paid' THEN
          SELECT COALESCE(SUM(amount_fen), 0) INTO total FROM payments
            WHERE project_id = NEW.project_id AND payer = NEW.payer AND status = 'paid' AND id <> NEW.id;
          IF total + NEW.amount_fen > budget THEN
            RAISE EXCEPTION 'Paid % fen would exceed the % amount of the task book, % fen', total + NEW.amount_fen, NEW.payer, budget
              USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_paid_within_budget';
          END IF;
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "payments_guard"
      BEFORE INSERT OR UPDATE OR DELETE ON "payments"
      FOR EACH ROW EXECUTE FUNCTION payments_guard()`);
    await queryRunner.query(`
      CREATE TRIGGER "payments_no_truncate"
      BEFORE TRUNCATE ON "payments"
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()`);

    // Every state a tranche reaches has its ledger entry by the end of the transaction.
    await queryRunner.query(`
      CREATE FUNCTION payments_ledgered() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM ledger_entries WHERE payment_id = NEW.id AND kind = NEW.status) THEN
          RAISE EXCEPTION 'Tranche % became % without its ledger entry', NEW.id, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_ledgered';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER "payments_ledgered"
      AFTER INSERT OR UPDATE OF "status" ON "payments"
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION payments_ledgered()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "ledger_entries"`);
    await queryRunner.query(`DROP TABLE "payments"`);
    await queryRunner.query(`DROP FUNCTION payments_ledgered()`);
    await queryRunner.query(`DROP FUNCTION payments_guard()`);
    await queryRunner.query(`DROP FUNCTION ledger_entries_match_payment()`);
    await queryRunner.query(`DROP FUNCTION ledger_entries_append_only()`);
  }
}
