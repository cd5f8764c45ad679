CREATE INDEX sp_idx_rollout_group_parent ON sp_rollout_group (parent);
