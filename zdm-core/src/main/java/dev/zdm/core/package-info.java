package dev.zdm.core;
