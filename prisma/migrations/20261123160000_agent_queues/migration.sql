-- Agent queues: a code location names a queue, its runs carry it, agents serve a set of queues.

-- AlterTable
ALTER TABLE "code_locations" ADD COLUMN "queue" TEXT NOT NULL DEFAULT 'default';

-- AlterTable
ALTER TABLE "runs" ADD COLUMN "queue" TEXT NOT NULL DEFAULT 'default';

-- AlterTable
ALTER TABLE "agents" ADD COLUMN "queues" TEXT[] NOT NULL DEFAULT ARRAY['default']::TEXT[];

-- A run takes the queue of its code location at launch, whichever path inserts it
-- (launch mutation, schedules, sensors, backfills). Runs under the inserting
-- role and its row-level security, so it only ever sees the run's own organization.
CREATE FUNCTION gantry_run_queue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  q TEXT;
BEGIN
  SELECT cl.queue INTO q FROM code_locations cl WHERE cl.id = NEW.code_location_id;
  IF q IS NOT NULL THEN
    NEW.queue := q;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER runs_queue_from_code_location
  BEFORE INSERT ON "runs"
  FOR EACH ROW EXECUTE FUNCTION gantry_run_queue();
